using System.Net;
using System.Net.Sockets;

namespace Hearth.Testing;

/// <summary>Picks ports the OS says are free now; a caller that binds later must cope with losing one to another process.</summary>
internal static class FreePort
{
    public static int Pick(string address = "127.0.0.1")
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
