using System.Diagnostics;

namespace WhatsApp.Testing;

/// <summary>Waits for a condition the cluster reaches by itself (failure detection, migration), with a bound.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> attempt, Func<T, bool> isDone, TimeSpan within, string what)
    {
        var clock = Stopwatch.StartNew();
        Exception? lastError = null;
        T? last = default;
        while (clock.Elapsed < within)
        {
            try
            {
                last = await attempt();
                if (isDone(last))
                {
                    return last;
                }
            }
            catch (Exception exception)
            {
                // Until the system gets there, attempts may fail (a call into a silo that just died fails fast).
                lastError = exception;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} did not happen within {within} (last value {last}).", lastError);
    }

    public static Task<T> SucceedsAsync<T>(Func<Task<T>> attempt, TimeSpan within, string what) =>
        ReturnsAsync(attempt, _ => true, within, what);
}
