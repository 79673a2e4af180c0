using System.Globalization;
using LinqToDB;
using LinqToDB.Async;
using Relay.Client;
using Relay.Shared.Queue;

namespace Relay.Sample;

/// <summary>The HTTP API: create an order (with its confirmation email) and follow that email.</summary>
public static class OrderEndpoints
{
    public static void MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/orders", CreateOrderAsync);
        app.MapGet("/orders/{id:guid}/email", GetConfirmationStatusAsync);
    }

    private static async Task<IResult> CreateOrderAsync(
        CreateOrderRequest request,
        OrdersDatabase database,
        IRelayQueue queue,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (request.Total <= 0)
        {
            return Results.Problem(
                title: "Invalid order", detail: "total must be greater than zero.", statusCode: 400);
        }

        var order = new Order
        {
            Id = Guid.CreateVersion7(),
            CustomerEmail = request.CustomerEmail ?? "",
            Total = request.Total,
            CreatedAt = time.GetUtcNow(),
        };

        await using var db = database.Connect();
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        await db.InsertAsync(order, token: cancellationToken);
        try
        {
            // Bound to this connection, the email commits or rolls back with the order.
            order.ConfirmationEmailId = await queue.WithConnection(db).EnqueueAsync(
                Confirmation(order),
                new EnqueueOptions
                {
                    Priority = EmailPriority.High,
                    IdempotencyKey = $"order-confirmation-{order.Id}",
                },
                cancellationToken);
        }
        catch (RelayEnqueueException error)
        {
            // Disposing the transaction without committing rolls the order back too.
            return Results.Problem(
                title: "The confirmation email cannot be queued",
                detail: error.Message,
                statusCode: 400,
                extensions: new Dictionary<string, object?> { ["field"] = error.Field });
        }

        await db.GetTable<Order>()
            .Where(o => o.Id == order.Id)
            .Set(o => o.ConfirmationEmailId, order.ConfirmationEmailId)
            .UpdateAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return Results.Created(
            $"/orders/{order.Id}",
            new CreateOrderResponse(order.Id, order.ConfirmationEmailId.Value));
    }

    private static async Task<IResult> GetConfirmationStatusAsync(
        Guid id,
        OrdersDatabase database,
        IRelayQueue queue,
        CancellationToken cancellationToken)
    {
        Guid? emailId;
        await using (var db = database.Connect())
        {
            var order = await db.GetTable<Order>().FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
            if (order is null)
            {
                return Results.NotFound();
            }

            emailId = order.ConfirmationEmailId;
        }

        var report = emailId is null ? null : await queue.GetStatusAsync(emailId.Value, cancellationToken);
        return report is null
            ? Results.Problem(title: "The confirmation email is gone", detail: "It was pruned from the queue.",
                statusCode: 404)
            : Results.Ok(report);
    }

    private static OutgoingEmail Confirmation(Order order)
    {
        var total = order.Total.ToString("N2", CultureInfo.InvariantCulture);
        var number = order.Id.ToString("N")[^8..].ToUpperInvariant();
        return new OutgoingEmail
        {
            To = [order.CustomerEmail],
            Subject = $"Your order {number} is confirmed",
            TextBody = $"Thank you for your order {number}.\n\nTotal: {total}\n",
            HtmlBody = $"<p>Thank you for your order <b>{number}</b>.</p><p>Total: {total}</p>",
        };
    }
}
