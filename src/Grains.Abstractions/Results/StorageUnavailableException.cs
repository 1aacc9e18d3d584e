namespace WhatsApp.Grains.Abstractions.Results;

/// <summary>
/// The database did not answer a grain (it is down or restarting). Whatever was being done is not acknowledged: a
/// send may be retried with the same clientMessageId, and callers answer 503. It replaces the driver's own exception,
/// which does not cross the wire. An <see cref="OrleansException"/>, so that Orleans passes it on as it is when grain
/// state storage throws it during an activation, instead of wrapping it.
/// </summary>
[GenerateSerializer, Alias("whatsapp.StorageUnavailableException")]
public sealed class StorageUnavailableException : OrleansException
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
