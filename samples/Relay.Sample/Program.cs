using Microsoft.Extensions.Options;
using Relay.Sample;

WebApplication app;
try
{
    app = await SampleApp.CreateAsync(args);
}
catch (OptionsValidationException error)
{
    await Console.Error.WriteLineAsync($"relay-sample: cannot start: {string.Join(" ", error.Failures)}");
    return 2;
}

await app.RunAsync();
return 0;
