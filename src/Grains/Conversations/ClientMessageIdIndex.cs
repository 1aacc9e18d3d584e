namespace WhatsApp.Grains.Conversations;

/// <summary>
/// The conversation's memory of recent clientMessageIds (per sender), so a retried send returns the first message
/// instead of storing a second. It is rebuilt from the buckets on activation and forgets entries past the retention.
/// </summary>
internal sealed class ClientMessageIdIndex(TimeSpan retention)
{
    private readonly Dictionary<(long Sender, string ClientMessageId), long> _sequences = [];
    private readonly Queue<(DateTimeOffset CreatedAt, long Sender, string ClientMessageId)> _byAge = new();

    public TimeSpan Retention => retention;

    public int Count => _sequences.Count;

    public bool TryGetSequence(long sender, string clientMessageId, out long sequence) =>
        _sequences.TryGetValue((sender, clientMessageId), out sequence);

    /// <summary>Adds entries in ascending time order (as messages are sent, or as buckets are replayed oldest first).</summary>
    public void Add(long sender, string clientMessageId, long sequence, DateTimeOffset createdAt)
    {
        if (_sequences.TryAdd((sender, clientMessageId), sequence))
        {
            _byAge.Enqueue((createdAt, sender, clientMessageId));
        }
    }

    public void ForgetOlderThan(DateTimeOffset cutoff)
    {
        while (_byAge.TryPeek(out var oldest) && oldest.CreatedAt < cutoff)
        {
            _byAge.Dequeue();
            _sequences.Remove((oldest.Sender, oldest.ClientMessageId));
        }
    }
}
