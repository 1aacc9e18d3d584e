namespace WhatsApp.Grains.Conversations;

/// <summary>
/// The clientMessageIds this activation stored most recently (per sender), so the usual retry, seconds after the
/// first attempt, is answered from memory. Only a fast path: the database's unique key on the clientMessageId is what
/// makes deduplication exact, for as long as the message exists.
/// </summary>
internal sealed class RecentClientMessageIds(int capacity)
{
    private readonly Dictionary<(long Sender, string ClientMessageId), long> _sequences = [];
    private readonly Queue<(long Sender, string ClientMessageId)> _oldestFirst = new();

    public int Count => _sequences.Count;

    public bool TryGetSequence(long sender, string clientMessageId, out long sequence) =>
        _sequences.TryGetValue((sender, clientMessageId), out sequence);

    public void Add(long sender, string clientMessageId, long sequence)
    {
        if (!_sequences.TryAdd((sender, clientMessageId), sequence))
        {
            return;
        }

        _oldestFirst.Enqueue((sender, clientMessageId));
        if (_oldestFirst.Count > capacity)
        {
            _sequences.Remove(_oldestFirst.Dequeue());
        }
    }
}
