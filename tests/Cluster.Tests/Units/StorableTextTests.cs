using WhatsApp.Grains.Abstractions.Text;

namespace WhatsApp.Cluster.Tests.Units;

/// <summary>
/// Facts, not theory data: xUnit's serialization of theory arguments would turn a lone surrogate into U+FFFD before the
/// test saw it (Orleans' UTF-8 string encoding does the same on a grain call, so only the gateway meets one).
/// </summary>
public sealed class StorableTextTests
{
    [Fact]
    public void IsStorable_WholeSurrogatePairsLineBreaksAndTabs_AreAcceptedWhereLinesMaySpan()
    {
        Assert.True(StorableText.IsStorable("a\r\n\tb \ud83d\ude00 \ufffd", allowLineBreaks: true));
        Assert.False(StorableText.IsStorable("a\nb", allowLineBreaks: false));
    }

    [Fact]
    public void IsStorable_NulOtherControlsOrHalfAPair_IsRefused()
    {
        Assert.False(StorableText.IsStorable("nul \0", allowLineBreaks: true));
        Assert.False(StorableText.IsStorable("bell \a", allowLineBreaks: true));
        Assert.False(StorableText.IsStorable("high \ud83d alone", allowLineBreaks: true));
        Assert.False(StorableText.IsStorable("low \ude00 first", allowLineBreaks: true));
        Assert.False(StorableText.IsStorable("ends high \ud83d", allowLineBreaks: true));
    }

    [Fact]
    public void TrimmedName_DirectionOverridesAndInvisibleSeparators_AreRefused_JoinersForEmojiAndScriptsStay()
    {
        Assert.Null(StorableText.TrimmedName("Ada \u202Eevol\u202C", 64));
        Assert.Null(StorableText.TrimmedName("\u200FAda", 64));
        Assert.Null(StorableText.TrimmedName("A\u2060da\uFEFF", 64));
        Assert.Equal("Family \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", StorableText.TrimmedName(" Family \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 ", 64));
        Assert.Equal("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", StorableText.TrimmedName("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", 64));
    }
}
