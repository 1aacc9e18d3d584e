using System.Text.Json;
using System.Text.Json.Serialization;

namespace WhatsApp.Gateway.Api;

/// <summary>The JSON shape of the contract, for REST and the hub alike.</summary>
public static class ContractJson
{
    /// <summary>camelCase, enums as camelCase strings, numbers only as numbers, no nulls.</summary>
    public static void Configure(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.NumberHandling = JsonNumberHandling.Strict;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }
}
