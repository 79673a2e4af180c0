using Relay.Sample;

var app = await SampleApp.CreateAsync(args);
await app.RunAsync();
