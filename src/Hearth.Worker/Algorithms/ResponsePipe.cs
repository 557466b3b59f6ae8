using System.Text;

namespace Hearth.Worker.Algorithms;

/// <summary>
/// The FIFO an instance answers on (<c>ALGOOUT</c>), and the thread that reads it: a dedicated thread blocked in
/// read(), because a thread-pool hop per response costs more than the round trip itself. Each complete, non-empty
/// line is handed over as it arrives. The pipe holds a write end of its own, so <see cref="Close"/> can put a
/// sentinel line behind whatever the process wrote: meeting it, the reader knows no response can still arrive.
/// </summary>
internal sealed class ResponsePipe : IAsyncDisposable
{
    private readonly FileStream _reader;
    private readonly FileStream _writer;
    private readonly byte[] _sentinel;
    private readonly Thread _thread;
    private InstanceLog? _log;
    private Action<byte[]>? _onLine;
    private Action<string?>? _onEnd;

    private ResponsePipe(string path, FileStream reader, FileStream writer, string id)
    {
        Path = path;
        _reader = reader;
        _writer = writer;
        _sentinel = Encoding.ASCII.GetBytes($"\u0001hearth-pipe-closed-{Guid.NewGuid():N}\n");
        _thread = new Thread(Read) { IsBackground = true, Name = $"instance {id} output" };
    }

    public string Path { get; }

    /// <summary>Makes the FIFO for instance <paramref name="id"/> (see <see cref="Fifo.PathFor"/>) and opens both its ends.</summary>
    public static ResponsePipe Create(string runtimeDirectory, string id)
    {
        var path = Fifo.PathFor(runtimeDirectory, id);
        File.Delete(path);
        Fifo.Create(path);
        var reader = Fifo.OpenReader(path);
        try
        {
            return new ResponsePipe(path, reader, Fifo.OpenWriter(path), id);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts reading. <paramref name="onLine"/> gets each response line (its trailing CR trimmed) on the reader
    /// thread; <paramref name="onEnd"/> is told once when reading ends: null after the sentinel, else why the pipe failed.
    /// </summary>
    public void Start(InstanceLog log, Action<byte[]> onLine, Action<string?> onEnd)
    {
        _log = log;
        _onLine = onLine;
        _onEnd = onEnd;
        _thread.Start();
    }

    /// <summary>Puts the sentinel behind everything written so far; call once the process has exited.</summary>
    public void Close()
    {
        try
        {
            _writer.Write(_sentinel);
        }
        catch (IOException)
        {
            // The pipe is gone; the reader ends with it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_thread.IsAlive)
        {
            await Task.Run(() => _thread.Join(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        await _reader.DisposeAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Left for the runtime directory's clean-up.
        }
    }

    private void Read()
    {
        var buffer = new byte[64 * 1024];
        var start = 0;
        var end = 0;
        try
        {
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    else
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                }

                var scanFrom = end;
                var read = _reader.Read(buffer, end, buffer.Length - end);
                if (read <= 0)
                {
                    return;
                }

                end += read;
                while (true)
                {
                    var newline = Array.IndexOf(buffer, (byte)'\n', scanFrom, end - scanFrom);
                    if (newline < 0)
                    {
                        break;
                    }

                    var line = buffer.AsSpan(start, newline - start);
                    start = newline + 1;
                    scanFrom = start;
                    if (OnLine(line))
                    {
                        return;
                    }
                }

                if (start == end)
                {
                    start = end = 0;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _onEnd!("the output pipe failed: " + e.Message);
        }
    }

    /// <summary>Handles one line; true when it was the sentinel and reading is over.</summary>
    private bool OnLine(ReadOnlySpan<byte> line)
    {
        var sentinel = _sentinel.AsSpan(0, _sentinel.Length - 1);
        if (line.EndsWith(sentinel))
        {
            if (line.Length > sentinel.Length)
            {
                _log!.Add(LogStream.Worker, "the process left an incomplete response line on its output pipe");
            }

            _onEnd!(null);
            return true;
        }

        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (!line.IsEmpty)
        {
            _onLine!(line.ToArray());
        }

        return false;
    }
}
