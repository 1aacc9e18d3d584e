using System.Globalization;
using Spectre.Console;

namespace WhatsApp.Benchmarks.Load;

/// <summary>Seeding and connecting: many independent steps with many in flight, shown as a progress bar.</summary>
public static class Bulk
{
    /// <summary>
    /// Runs <paramref name="step"/> for 0..count-1 with <paramref name="inFlight"/> at once, until all are done or
    /// <paramref name="timeLimit"/> passes; returns how many finished.
    /// </summary>
    public static async Task<int> RunAsync(string description, int count, int inFlight, Func<int, Task> step, TimeSpan? timeLimit = null)
    {
        var done = 0;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(description, maxValue: count);
                using var stop = new CancellationTokenSource(timeLimit ?? Timeout.InfiniteTimeSpan);
                try
                {
                    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = stop.Token }, async (index, _) =>
                    {
                        await step(index);
                        Interlocked.Increment(ref done);
                        task.Increment(1);
                    });
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[yellow]{description}: time box of {timeLimit?.TotalSeconds:F0} s reached after {done} of {count}[/]");
                }
            });
        return done;
    }
}
