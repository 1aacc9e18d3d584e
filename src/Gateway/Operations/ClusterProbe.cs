namespace WhatsApp.Gateway.Operations;

/// <summary>How the gateway's health reads ask the cluster: briefly, and taking any failure to answer as "not answered".</summary>
internal static class ClusterProbe
{
    /// <summary>How long a health read waits for the cluster before it says it did not answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>No answer in time, or an error Orleans reports for a call it could not complete (a membership read that timed out is a cancellation).</summary>
    public static bool IsUnanswered(Exception exception) =>
        exception is TimeoutException or OrleansException or InvalidOperationException or OperationCanceledException;
}
