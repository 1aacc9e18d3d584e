using WhatsApp.Grains;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Users;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Cluster.Tests.Units;

/// <summary>
/// Each options type's rules live in its validator, the one place the silo, the gateway and the placement read them
/// from; a failure names the key, and every broken rule is reported at once.
/// </summary>
public sealed class OptionsValidatorsTests
{
    [Theory]
    [InlineData(3, 0, true)]
    [InlineData(3, 2, true)]
    [InlineData(1, 0, true)]
    [InlineData(3, 3, false)]
    [InlineData(3, -1, false)]
    [InlineData(0, 0, false)]
    public void ShardOptions_IndexWithinTheCount_IsValid(int count, int index, bool valid)
    {
        var result = new ShardOptionsValidator().Validate(name: null, new ShardOptions { Count = count, Index = index });

        Assert.Equal(valid, result.Succeeded);
        Assert.All(result.Failures ?? [], failure => Assert.StartsWith("Shard:", failure, StringComparison.Ordinal));
    }

    [Fact]
    public void SignInThrottleOptions_EveryBrokenRule_IsReportedAtOnce()
    {
        var options = new SignInThrottleOptions { FreeFailuresPerAccount = 0, FirstBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(1) };

        var result = new SignInThrottleOptionsValidator().Validate(name: null, options);

        Assert.Equal(
            ["SignIn:FreeFailuresPerAccount must be at least 1.", "SignIn:MaxBackoff must be at least SignIn:FirstBackoff."],
            result.Failures);
    }

    [Fact]
    public void ChatOptions_Defaults_AreValid()
    {
        Assert.True(new ChatOptionsValidator().Validate(name: null, new ChatOptions()).Succeeded);
        Assert.True(new SignInThrottleOptionsValidator().Validate(name: null, new SignInThrottleOptions()).Succeeded);
        Assert.True(new ShardOptionsValidator().Validate(name: null, new ShardOptions()).Succeeded);
    }

    [Fact]
    public void Check_WithNoBrokenRule_Succeeds_AndOtherwiseFailsWithEachMessage()
    {
        Assert.True(ValidatedOptions.Check((true, "never")).Succeeded);

        var result = ValidatedOptions.Check((false, "first"), (true, "kept"), (false, "second"));

        Assert.True(result.Failed);
        Assert.Equal(["first", "second"], result.Failures);
    }
}
