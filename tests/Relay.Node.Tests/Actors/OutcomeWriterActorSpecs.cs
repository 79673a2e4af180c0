using Akka.Actor;
using Relay.Node.Actors.Outcomes;
using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Node.Options;
using Relay.Shared.Queue;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

public sealed class OutcomeWriterActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private readonly FakeQueueStore _store = new();

    public OutcomeWriterActorSpecs(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Fact]
    public async Task Should_write_outcomes_in_batches_and_answer_a_flush_once_all_are_stored()
    {
        var writer = Sys.ActorOf(
            WriterProps(new OutcomeOptions { MaxBatchSize = 2, FlushInterval = TimeSpan.FromHours(1) }));

        for (var i = 0; i < 5; i++)
        {
            writer.Tell(new RecordOutcome(Sent()));
        }

        await writer.Ask<OutcomesFlushed>(FlushOutcomes.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal(5, _store.Written.Count);
    }

    [Fact]
    public async Task Should_announce_a_lag_when_outcomes_pile_up_and_its_end_once_they_are_stored()
    {
        var backlog = CreateTestProbe();
        Sys.EventStream.Subscribe(backlog, typeof(OutcomeBacklogChanged));
        _store.HoldWrites = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Sys.ActorOf(WriterProps(new OutcomeOptions { MaxBatchSize = 2, MaxPending = 4 }));

        for (var i = 0; i < 4; i++)
        {
            writer.Tell(new RecordOutcome(Sent()));
        }

        Assert.True((await backlog.ExpectMsgAsync<OutcomeBacklogChanged>()).Lagging);
        _store.HoldWrites.SetResult();
        Assert.False((await backlog.ExpectMsgAsync<OutcomeBacklogChanged>()).Lagging);
    }

    private Props WriterProps(OutcomeOptions options)
    {
        IQueueStore store = _store;
        return Props.Create(() => new OutcomeWriterActor(store, options, "node-a", TimeProvider.System));
    }

    private static EmailOutcome Sent() =>
        new(
            Guid.CreateVersion7(),
            EmailStatus.Sent,
            true,
            null,
            null,
            null,
            null,
            1,
            AttemptOutcome.Delivered,
            250,
            "ok");
}
