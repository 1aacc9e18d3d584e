using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Rewrites the chat-list lines that a participant's database missed while it was down. The notes live in the
/// conversation's database; each silo looks after its own shard's, and asks the conversation grain (which owns the
/// line's content: the newest message, the marks) to rewrite each line, then removes the note.
/// </summary>
public sealed partial class StaleLineRepairer(
    StaleChatListLines staleLines,
    IGrainFactory grains,
    IOptions<ShardOptions> shard,
    IOptions<ChatOptions> options,
    ILogger<StaleLineRepairer> logger) : BackgroundService
{
    private const int LinesPerRound = 256;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StaleLineRepairInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RepairAsync();
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The shard's database or the other one is still down, or the silo is not serving yet: next round.
                LogRoundFailed(exception);
            }
        }
    }

    private async Task RepairAsync()
    {
        var lines = await staleLines.ReadAsync(shard.Value.Index, LinesPerRound);
        foreach (var line in lines)
        {
            await grains.GetGrain<IChatListLineRepair>(line.Conversation.ToString()).RewriteChatListLineAsync(line.UserId);
            await staleLines.ForgetAsync(line);
        }

        if (lines.Count > 0)
        {
            LogRepaired(lines.Count);
        }
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Rewrote {Lines} chat-list lines that another shard's database had missed")]
    private partial void LogRepaired(int lines);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Stale chat-list lines not repaired this round; trying again next round")]
    private partial void LogRoundFailed(Exception exception);
}
