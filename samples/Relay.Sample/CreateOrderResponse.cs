namespace Relay.Sample;

/// <summary>The body of a created order: its id and the id of its queued confirmation email.</summary>
public sealed record CreateOrderResponse(Guid OrderId, Guid EmailId);
