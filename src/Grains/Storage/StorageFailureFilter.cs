using System.Data.Common;
using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// Turns a database failure inside any grain call into an exception the caller can read (the driver's exceptions carry
/// state the wire cannot). A failure that passes by itself (the server is down or restarting, a connection broke: what
/// the driver calls transient) becomes a <see cref="StorageUnavailableException"/>, which callers answer with 503; the
/// database refusing the statement itself (a constraint, a schema mismatch: a bug) becomes an
/// <see cref="InvalidOperationException"/> naming the SQL state, logged here, which no retry can cure.
/// </summary>
internal sealed partial class StorageFailureFilter(ILogger<StorageFailureFilter> logger) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (DbException exception) when (exception.IsTransient)
        {
            throw new StorageUnavailableException($"The database did not answer: {exception.Message}");
        }
        catch (DbException exception)
        {
            LogRefused(exception, context.InterfaceMethod.Name, exception.SqlState);
            throw new InvalidOperationException($"The database refused {context.InterfaceMethod.Name} (SQL state {exception.SqlState}).");
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "The database refused {Method} (SQL state {SqlState}); not a transient failure")]
    private partial void LogRefused(Exception exception, string method, string? sqlState);
}
