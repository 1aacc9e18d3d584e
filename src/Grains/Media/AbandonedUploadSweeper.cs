using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Grains.Media;

/// <summary>
/// Forgets uploads that were started and never sent (<see cref="MediaOptions.AbandonedUploadAge"/>): each silo looks
/// after its own shard's database, as often as <see cref="MediaOptions.AbandonedUploadSweepInterval"/> says. A sweep
/// that fails (the database is down) is tried again at the next one; forgetting twice changes nothing.
/// </summary>
public sealed partial class AbandonedUploadSweeper(
    IMediaStore store,
    IOptions<ShardOptions> shard,
    IOptions<MediaOptions> options,
    TimeProvider time,
    ILogger<AbandonedUploadSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AbandonedUploadSweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync();
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(exception);
            }
        }
    }

    /// <summary>One sweep of the shard's database; answers how many uploads it forgot.</summary>
    public async Task<int> SweepAsync()
    {
        var forgotten = await store.ForgetAbandonedUploadsAsync(shard.Value.Index, time.GetUtcNow() - options.Value.AbandonedUploadAge);
        if (forgotten > 0)
        {
            LogForgotten(forgotten, shard.Value.Index);
        }

        return forgotten;
    }

    [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Forgot {Uploads} uploads in shard {Shard}'s database that were never sent")]
    private partial void LogForgotten(int uploads, int shard);

    [LoggerMessage(EventId = 2303, Level = LogLevel.Debug, Message = "Abandoned uploads not swept this time; trying again at the next sweep")]
    private partial void LogSweepFailed(Exception exception);
}
