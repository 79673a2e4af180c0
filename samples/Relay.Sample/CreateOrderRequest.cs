namespace Relay.Sample;

/// <summary>The body of <c>POST /orders</c>.</summary>
public sealed record CreateOrderRequest(string? CustomerEmail, decimal Total);
