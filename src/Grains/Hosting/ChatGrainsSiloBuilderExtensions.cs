using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Realtime;
using WhatsApp.Grains.Users;
using WhatsApp.Telemetry;

namespace WhatsApp.Grains.Hosting;

public static class ChatGrainsSiloBuilderExtensions
{
    /// <summary>
    /// Makes this silo the owner of one shard: it advertises the shard in its silo metadata and in its name, and places
    /// grains with the shard placement director (every silo must, since placement runs wherever the first call lands).
    /// </summary>
    public static ISiloBuilder AddChatGrains(this ISiloBuilder silo, ShardOptions shard)
    {
        if (shard.Count < 1 || shard.Index < 0 || shard.Index >= shard.Count)
        {
            throw new OptionsValidationException(ShardOptions.SectionName, typeof(ShardOptions),
                [$"Shard:Index must be 0 to Shard:Count - 1 and Shard:Count at least 1; got index {shard.Index} of {shard.Count}."]);
        }

        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [ShardMap.MetadataKey] = shard.Index.ToString(CultureInfo.InvariantCulture),
        });
        // The name travels in the membership table itself, so other silos know the shard even while their metadata
        // cache has not fetched it (a fetch that fails right after a silo joins is not retried for minutes).
        // PostConfigure, because hosts such as the TestingHost set their own name after this runs.
        silo.Services.PostConfigure<SiloOptions>(options => options.SiloName = Shards.SiloNameOf(shard.Index));
        silo.Services.AddSingleton(Options.Create(shard));
        silo.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.SectionName)
            .Validate(chat => chat.RecentClientMessageIds >= 1, "Chat:RecentClientMessageIds must be at least 1.")
            .Validate(chat => chat.MaxGroupsCreatedPerDay >= 1, "Chat:MaxGroupsCreatedPerDay must be at least 1.")
            .Validate(
                chat => new[] { chat.ObserverExpiry, chat.DevicePushTimeout, chat.NotificationRetryInterval, chat.GroupTypingInterval, chat.StaleLineRepairInterval }.All(span => span > TimeSpan.Zero),
                "Chat:ObserverExpiry, DevicePushTimeout, NotificationRetryInterval, GroupTypingInterval and StaleLineRepairInterval must be more than zero.")
            .Validate(chat => chat.GatewayPushWindow >= TimeSpan.Zero, "Chat:GatewayPushWindow must not be negative.")
            .ValidateOnStart();
        silo.Services.AddOptions<SignInThrottleOptions>().BindConfiguration(SignInThrottleOptions.SectionName)
            .Validate(signIn => signIn.FreeFailuresPerAccount >= 1, "SignIn:FreeFailuresPerAccount must be at least 1.")
            .Validate(signIn => signIn.FreeFailuresPerAddress >= 1, "SignIn:FreeFailuresPerAddress must be at least 1.")
            .Validate(signIn => signIn.FreeFailuresPerAccountFromEverywhere >= signIn.FreeFailuresPerAccount, "SignIn:FreeFailuresPerAccountFromEverywhere must be at least SignIn:FreeFailuresPerAccount.")
            .Validate(signIn => signIn.FirstBackoff > TimeSpan.Zero, "SignIn:FirstBackoff must be positive.")
            .Validate(signIn => signIn.MaxBackoff >= signIn.FirstBackoff, "SignIn:MaxBackoff must be at least SignIn:FirstBackoff.")
            .ValidateOnStart();
        silo.Services.AddSingleton<ShardMap>();
        silo.Services.AddSingleton<GatewayOutboxes>();
        silo.Services.AddSingleton<RegisteredUsers>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.AddPlacementDirector<ShardPlacementStrategy, ShardPlacementDirector>();
        // W3C trace context rides on every grain call, so a message's path crosses silos as one trace. Without a
        // listener (tracing off), no activity is created and nothing is added to the calls.
        silo.AddActivityPropagation();
        // A silo as the shard panel names it (name and generation): a path tells which silo, not where it listens.
        silo.Services.AddRecentSpans(services =>
        {
            var silo = services.GetRequiredService<ILocalSiloDetails>();
            return string.Create(CultureInfo.InvariantCulture, $"shard {shard.Index} · {silo.Name}@{silo.SiloAddress.Generation}");
        });
        return silo;
    }
}
