namespace WhatsApp.Launcher.Stores;

/// <summary>A step of the start that failed: the message for the terminal, and the log whose tail says why.</summary>
public sealed class LaunchFailedException(string message, string? log = null) : Exception(message)
{
    public string? Log => log;
}
