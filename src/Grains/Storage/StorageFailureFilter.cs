using System.Data.Common;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// Turns a database failure inside any grain call into a <see cref="StorageUnavailableException"/> with the reason,
/// so callers get an exception they can read (the driver's exceptions carry state the wire cannot).
/// </summary>
internal sealed class StorageFailureFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (DbException exception)
        {
            throw new StorageUnavailableException($"The database did not answer: {exception.Message}");
        }
    }
}
