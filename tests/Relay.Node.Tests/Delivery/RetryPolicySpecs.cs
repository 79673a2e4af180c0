using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Node.Options;
using Relay.Shared.Queue;

namespace Relay.Node.Tests.Delivery;

public sealed class RetryPolicySpecs
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly RetryPolicy _policy = new(new DeliveryOptions
    {
        MinRetryDelay = TimeSpan.FromMinutes(1),
        MaxRetryDelay = TimeSpan.FromHours(1),
        RetryRandomFactor = 0.5,
        MaxAttempts = 5,
        MaxAge = TimeSpan.FromDays(2),
    });

    [Theory]
    [InlineData(1, 0.0, 60)]
    [InlineData(2, 0.0, 120)]
    [InlineData(3, 0.0, 240)]
    [InlineData(7, 0.0, 3600)]
    [InlineData(30, 0.0, 3600)]
    [InlineData(1, 1.0, 90)]
    public void Should_back_off_exponentially_with_jitter_and_a_cap(int attempt, double random, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), _policy.RetryDelay(attempt, random));
    }

    [Fact]
    public void Should_mark_sent_and_count_the_attempt_when_delivered()
    {
        var outcome = _policy.Apply(Email(attempts: 2), new DeliveryDecision.Delivered([]), Now, 0);

        Assert.Equal(EmailStatus.Sent, outcome.Status);
        Assert.True(outcome.CountsAsAttempt);
        Assert.Equal(Now.ToUnixTimeMilliseconds(), outcome.SentAt);
        Assert.True(outcome.IsPlainSent);
    }

    [Fact]
    public void Should_defer_to_the_backoff_time_when_retry_is_needed()
    {
        var outcome = _policy.Apply(Email(attempts: 1), Retry(), Now, 0);

        Assert.Equal(EmailStatus.Deferred, outcome.Status);
        Assert.Equal(Now.AddMinutes(2).ToUnixTimeMilliseconds(), outcome.NextAttemptAt);
        Assert.Equal(AttemptOutcome.Deferred, outcome.Attempt);
    }

    [Fact]
    public void Should_fail_saying_why_when_the_last_attempt_is_used()
    {
        var outcome = _policy.Apply(Email(attempts: 4), Retry(), Now, 0);

        Assert.Equal(EmailStatus.Failed, outcome.Status);
        Assert.Contains("gave up after 5 attempts", outcome.LastError);
        Assert.Contains("451 busy", outcome.LastError);
    }

    [Fact]
    public void Should_fail_when_the_email_is_older_than_the_maximum_age()
    {
        var outcome = _policy.Apply(Email(attempts: 0, createdAt: Now.AddDays(-3)), Retry(), Now, 0);

        Assert.Equal(EmailStatus.Failed, outcome.Status);
        Assert.Contains("MaxAge", outcome.LastError);
    }

    [Fact]
    public void Should_keep_only_the_remaining_recipients_when_partially_delivered()
    {
        var decision = new DeliveryDecision.RetryLater(450, "busy", ["bob@example.com"], [], true, false);

        var outcome = _policy.Apply(Email(attempts: 0), decision, Now, 0);

        Assert.Equal("bob@example.com", outcome.PendingRecipients);
        Assert.Equal(AttemptOutcome.PartiallyDelivered, outcome.Attempt);
    }

    [Fact]
    public void Should_record_possible_delivery_when_the_outcome_is_unknown()
    {
        var decision = new DeliveryDecision.RetryLater(null, "lost", ["ann@example.com"], [], false, true);

        var outcome = _policy.Apply(Email(attempts: 0), decision, Now, 0);

        Assert.Equal(EmailStatus.Deferred, outcome.Status);
        Assert.Equal(AttemptOutcome.PossiblyDelivered, outcome.Attempt);
    }

    [Fact]
    public void Should_requeue_without_using_an_attempt_when_the_connection_failed()
    {
        var outcome = _policy.Apply(Email(attempts: 3), new DeliveryDecision.ConnectionFailed("refused"), Now, 0);

        Assert.Equal(EmailStatus.Queued, outcome.Status);
        Assert.False(outcome.CountsAsAttempt);
        Assert.Null(outcome.Attempt);
        Assert.True(outcome.IsRequeue);
    }

    [Fact]
    public void Should_append_rejected_recipients_to_those_already_stored()
    {
        var earlier = RejectedRecipientList.Append(null, [new RejectedRecipient("a@example.com", 550, "x")]);
        var decision = new DeliveryDecision.Delivered([new RejectedRecipient("b@example.com", 551, "y")]);

        var outcome = _policy.Apply(Email(attempts: 1) with { RejectedRecipients = earlier }, decision, Now, 0);

        Assert.Equal(["a@example.com", "b@example.com"],
            RejectedRecipientList.Parse(outcome.RejectedRecipients).Select(r => r.Address));
        Assert.Equal(AttemptOutcome.PartiallyDelivered, outcome.Attempt);
        Assert.False(outcome.IsPlainSent);
    }

    private static DeliveryDecision.RetryLater Retry() =>
        new(451, "451 busy", ["ann@example.com"], [], false, false);

    private static ClaimedEmail Email(int attempts, DateTimeOffset? createdAt = null) =>
        new(Guid.CreateVersion7(), attempts, "app@example.com", ["ann@example.com"], [],
            (createdAt ?? Now.AddMinutes(-5)).ToUnixTimeMilliseconds(), null, null);
}
