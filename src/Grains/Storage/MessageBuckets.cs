using System.Globalization;
using WhatsApp.Grains.Abstractions.Ids;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// How a conversation's messages are cut into buckets: bucket k holds sequences k*Size+1 .. (k+1)*Size. A send rewrites
/// one bucket, never the history, so its cost does not grow with the conversation. The size is part of the stored data's
/// layout: changing it would orphan existing buckets.
/// </summary>
public static class MessageBuckets
{
    public const int Size = 128;

    public static long IndexOf(long sequence) => (sequence - 1) / Size;

    public static long FirstSequenceOf(long bucketIndex) => (bucketIndex * Size) + 1;

    public static string KeyOf(ConversationId conversation, long bucketIndex) =>
        string.Create(CultureInfo.InvariantCulture, $"{conversation}/{bucketIndex}");

    public static IMessageBucketGrain Get(IGrainFactory grains, ConversationId conversation, long bucketIndex) =>
        grains.GetGrain<IMessageBucketGrain>(KeyOf(conversation, bucketIndex));
}
