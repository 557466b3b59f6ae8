namespace Hearth.Worker.Algorithms;

/// <summary>
/// An instance's log: what it prints on stdout and stderr (stdout after PIPE_INIT_COMPLETE; everything before is the
/// load output), kept as the last <see cref="Capacity"/> lines and handed to an optional sink as it arrives.
/// Thread-safe.
/// </summary>
internal sealed class InstanceLog(TimeProvider time, int capacity = 200, Action<InstanceLogLine>? sink = null)
{
    private readonly Queue<InstanceLogLine> _lines = new();
    private readonly Lock _gate = new();

    public int Capacity { get; } = capacity;

    public void Add(LogStream stream, string text)
    {
        var line = new InstanceLogLine(time.GetUtcNow(), stream, text);
        lock (_gate)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }

        sink?.Invoke(line);
    }

    public IReadOnlyList<InstanceLogLine> Recent()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    /// <summary>
    /// The last few lines the process printed, for error messages; empty text when it printed none. Stdout's come
    /// before stderr's: two pipes carry no order between them, so arrival order would make the last line a race, and
    /// a failing program's last word is on stderr.
    /// </summary>
    public string Tail(int lines = 5)
    {
        var recent = Recent().Where(l => l.Stream != LogStream.Worker).TakeLast(lines)
            .OrderBy(l => l.Stream == LogStream.Stderr).Select(l => l.Text).ToList();
        return recent.Count == 0 ? "" : string.Join(" | ", recent);
    }
}
