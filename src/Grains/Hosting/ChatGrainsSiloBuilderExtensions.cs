using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Media;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Realtime;
using WhatsApp.Grains.Users;
using WhatsApp.Telemetry.Hosting;
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
        if (new ShardOptionsValidator().Validate(name: null, shard) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(ShardOptions.SectionName, typeof(ShardOptions), invalid.Failures);
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
        silo.Services.AddValidatedOptions<ChatOptions, ChatOptionsValidator>(ChatOptions.SectionName);
        silo.Services.AddValidatedOptions<SignInThrottleOptions, SignInThrottleOptionsValidator>(SignInThrottleOptions.SectionName);
        silo.Services.AddValidatedOptions<MediaOptions, MediaOptionsValidator>(MediaOptions.SectionName);
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
