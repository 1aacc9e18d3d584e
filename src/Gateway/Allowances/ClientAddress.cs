using System.Net;
using System.Net.Sockets;

namespace WhatsApp.Gateway.Allowances;

/// <summary>
/// Who a client is, as far as an address can tell: an IPv4 address is one client, while one IPv6 subscriber holds a
/// whole /64 and can pick a new address in it for every request, so IPv6 addresses count by their /64.
/// </summary>
public static class ClientAddress
{
    /// <summary>The key every allowance and throttle counts an address under.</summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
