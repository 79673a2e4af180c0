using Microsoft.Extensions.Options;

namespace Relay.Sample.Tests;

public sealed class SampleAppSpecs
{
    [Fact]
    public async Task Should_refuse_to_start_when_no_default_from_is_configured()
    {
        var database = Path.Combine(Path.GetTempPath(), $"relay-sample-{Guid.NewGuid():N}.db");

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => SampleApp.CreateAsync(
        [
            "--urls=http://127.0.0.1:0",
            $"--Relay:Queue:ConnectionString=Data Source={database}",
            "--Relay:Queue:DefaultFrom=",
        ]));

        Assert.Contains("Relay:Queue:DefaultFrom", Assert.Single(error.Failures));
        Assert.False(File.Exists(database));
    }
}
