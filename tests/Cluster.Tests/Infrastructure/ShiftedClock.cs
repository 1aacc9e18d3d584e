namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>
/// The system clock moved forward by as much as a test asks: "now" jumps days ahead while timers and delays keep real
/// time, so everything else in the silos runs as usual.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
