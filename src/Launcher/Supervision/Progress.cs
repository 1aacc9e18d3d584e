namespace WhatsApp.Launcher.Supervision;

/// <summary>What the person who ran ./run sees in the terminal: steps, waits with a running count, failures with a log's tail.</summary>
public static class Progress
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static void Step(string text) => Console.WriteLine($"\u001b[1;32m▸\u001b[0m {text}");

    public static void Detail(string text) => Console.WriteLine($"  {text}");

    public static void Fail(string text) => Console.Error.WriteLine($"\u001b[1;31m✗ {text}\u001b[0m");

    /// <summary>The last lines of a log, after a failure it explains.</summary>
    public static void Tail(string log, int lines = 25)
    {
        Console.Error.WriteLine($"---- last lines of {log} ----");
        try
        {
            foreach (var line in File.ReadLines(log).TakeLast(lines))
            {
                Console.Error.WriteLine(line);
            }
        }
        catch (IOException)
        {
            // No log yet: the process failed before writing one.
        }
    }

    /// <summary>
    /// Waits until <paramref name="ready"/> says so, showing the seconds waited; false (with the reason printed) when
    /// <paramref name="gaveUp"/> says the process is gone, or when time runs out.
    /// </summary>
    public static async Task<bool> WaitAsync(string what, TimeSpan bound, Func<Task<bool>> ready, Func<bool> gaveUp, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await ready())
            {
                Console.WriteLine($"\r  {what}: ready{new string(' ', 20)}");
                return true;
            }

            var waited = DateTime.UtcNow - started;
            if (gaveUp() || waited > bound)
            {
                Console.WriteLine();
                Fail(gaveUp() ? $"{what} failed to start." : $"{what} did not become ready within {bound.TotalSeconds:0}s.");
                return false;
            }

            Console.Write($"\r  {what}: waiting {waited.TotalSeconds:0}s");
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return false;
    }
}
