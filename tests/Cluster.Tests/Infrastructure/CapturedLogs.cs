using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>
/// Keeps the silos' recent log lines in memory (warnings and the product's own information), so a failing test can
/// show what the cluster did.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private const int Capacity = 5000;
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel >= LogLevel.Warning || (logLevel >= LogLevel.Information && category.StartsWith("WhatsApp", StringComparison.Ordinal));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                logs.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}"));
            }
        }
    }
}
