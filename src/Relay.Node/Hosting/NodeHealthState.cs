using System.Collections.Concurrent;

namespace Relay.Node.Hosting;

/// <summary>Which senders hold a usable SMTP connection, kept current from their events.</summary>
internal sealed class NodeHealthState
{
    private readonly ConcurrentDictionary<string, bool> _senders = new();

    public int ConnectedSenders => _senders.Count(s => s.Value);

    public void SetConnected(string sender, bool connected) => _senders[sender] = connected;
}
