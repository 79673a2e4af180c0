using System.Collections.Concurrent;

namespace Relay.Node.Hosting;

/// <summary>Which senders hold a usable SMTP connection, kept current from their events.</summary>
// LIMITATION: a sender learns that an idle connection died only when it next sends, so readiness can
// report a usable connection for a while after the SMTP server went away.
internal sealed class NodeHealthState
{
    private readonly ConcurrentDictionary<string, bool> _senders = new();

    public int ConnectedSenders => _senders.Count(s => s.Value);

    public void SetConnected(string sender, bool connected) => _senders[sender] = connected;
}
