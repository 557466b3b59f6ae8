using System.Net;
using System.Net.Sockets;

namespace Hearth.Resilience.Tests.Harness;

/// <summary>
/// A TCP relay on another loopback address (127.0.0.2) in front of a supervisor's two ports, with the same port
/// numbers, so a worker given the relay's URL reaches both its API and its stream through it. <see cref="Cut"/>
/// turns the link into a black hole: connections stay open but nothing more gets through in either direction,
/// as when a cable is pulled, so neither side sees a reset. <see cref="Heal"/> drops the held connections and lets
/// new ones through.
/// </summary>
internal sealed class CuttableProxy : IAsyncDisposable
{
    public const string Address = "127.0.0.2";

    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpListener> _listeners = [];
    private readonly List<Task> _accepting = [];
    private readonly Lock _lock = new();
    private readonly List<TcpClient> _open = [];
    private volatile bool _cut;

    private CuttableProxy()
    {
    }

    public static Uri Url(int apiPort) => new($"http://{Address}:{apiPort}");

    /// <summary>Relays <see cref="Address"/>:port to 127.0.0.1:port for each port.</summary>
    public static CuttableProxy Start(params int[] ports)
    {
        var proxy = new CuttableProxy();
        foreach (var port in ports)
        {
            var listener = new TcpListener(IPAddress.Parse(Address), port);
            listener.Start();
            proxy._listeners.Add(listener);
            proxy._accepting.Add(proxy.AcceptAsync(listener, port));
        }

        return proxy;
    }

    public void Cut() => _cut = true;

    public void Heal()
    {
        List<TcpClient> held;
        lock (_lock)
        {
            held = [.. _open];
            _open.Clear();
        }

        foreach (var client in held)
        {
            client.Dispose();
        }

        _cut = false;
    }

    private async Task AcceptAsync(TcpListener listener, int port)
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(_stop.Token);
                _ = RelayAsync(client, port);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task RelayAsync(TcpClient client, int port)
    {
        using var upstream = new TcpClient();
        Track(client);
        Track(upstream);
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
            var a = client.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(PumpAsync(a, b), PumpAsync(b, a));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // One side went away.
        }
        finally
        {
            client.Dispose();
        }
    }

    private void Track(TcpClient client)
    {
        lock (_lock)
        {
            _open.Add(client);
        }
    }

    /// <summary>Forwards until either side ends; while cut, what arrives is swallowed and nothing is sent on.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (!_cut)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        await Task.WhenAll(_accepting);
        Heal();
        _stop.Dispose();
    }
}
