namespace Relay.Node.Delivery;

/// <summary>The delay before a sender's next connection attempt: exponential, capped, with jitter.</summary>
internal static class SendBackoff
{
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max, double randomFactor, double random)
    {
        var exponential = min.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var capped = Math.Min(exponential, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + (randomFactor * random)));
    }
}
