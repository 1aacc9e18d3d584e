using System.Diagnostics;
using System.Security.Cryptography;
using WhatsApp.Benchmarks.Deployment;

namespace WhatsApp.Benchmarks.Load;

/// <summary>One uploader and the conversation it uploads into.</summary>
public sealed record UploadLane(ChatUser Owner, string ConversationId);

/// <summary>What a window of uploads stored: bytes per second over the window, and the uploads that failed.</summary>
public sealed record UploadResult(double MegabytesPerSecond, int Uploads, int Errors);

/// <summary>
/// Whole-file uploads through the gateway, a fixed number in flight, for a window: every upload is a new file (so none
/// is deduplicated away) of the same size.
/// </summary>
public static class MediaUploads
{
    public const double Megabyte = 1024 * 1024;

    public static async Task<UploadResult> RunAsync(ChatApi api, IReadOnlyList<UploadLane> lanes, int fileBytes, TimeSpan duration, CancellationToken stop = default)
    {
        var stored = 0L;
        var uploads = 0;
        var errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(lanes.Select(async lane =>
        {
            var file = RandomNumberGenerator.GetBytes(fileBytes);
            while (clock.Elapsed < duration && !stop.IsCancellationRequested)
            {
                RandomNumberGenerator.Fill(file.AsSpan(0, Math.Min(64, fileBytes)));
                if (await api.UploadAsync(lane.Owner, lane.ConversationId, "application/octet-stream", file))
                {
                    Interlocked.Add(ref stored, fileBytes);
                    Interlocked.Increment(ref uploads);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return new UploadResult(stored / Megabyte / clock.Elapsed.TotalSeconds, uploads, errors);
    }
}
