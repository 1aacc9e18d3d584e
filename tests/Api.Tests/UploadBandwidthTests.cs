extern alias gateway;

using System.Diagnostics;
using Microsoft.Extensions.Options;
using gateway::WhatsApp.Gateway.Application;

namespace WhatsApp.Api.Tests;

/// <summary>
/// The gateway's upload budget lets no more bytes through than it allows (a second's worth at once, then its rate),
/// and serves every waiting upload. Only the lower bound of the time is asserted: a busy machine makes it later, never
/// sooner.
/// </summary>
public sealed class UploadBandwidthTests
{
    private const int Chunk = 256 * 1024;
    private const long OneMebibytePerSecond = 1024 * 1024;

    [Fact]
    public async Task Chunks_BeyondASecondsWorth_WaitForTheRate_AndEveryWaitingUploadGetsThrough()
    {
        using var bandwidth = new UploadBandwidth(Options.Create(new UploadBandwidthOptions { UploadBytesPerSecond = OneMebibytePerSecond }));
        var clock = Stopwatch.StartNew();

        // Two uploads of 1.5 MiB each: 1 MiB passes at once, the other 2 MiB take two seconds at 1 MiB/s.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            for (var chunk = 0; chunk < 6; chunk++)
            {
                await bandwidth.WaitForAsync(Chunk, CancellationToken.None);
            }
        }));

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.8), $"3 MiB passed a 1 MiB/s budget in {clock.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public void Budget_SmallerThanAChunk_IsRefusedAtStart()
    {
        var result = new UploadBandwidthOptionsValidator().Validate(null, new UploadBandwidthOptions { UploadBytesPerSecond = Chunk - 1 });
        Assert.True(result.Failed);
        Assert.Contains("Gateway:UploadBytesPerSecond", result.FailureMessage, StringComparison.Ordinal);
    }
}
