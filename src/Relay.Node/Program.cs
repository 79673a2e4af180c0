using Relay.Node.Hosting;

return await RelayNodeCommands.CreateRoot().Parse(args).InvokeAsync();
