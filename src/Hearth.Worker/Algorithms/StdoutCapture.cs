using System.Text;

namespace Hearth.Worker.Algorithms;

/// <summary>
/// The stdout lines an instance prints while serving one call that asked for them (Algorithmia's <c>stdout=true</c>).
/// Stdout and the output pipe are separate pipes with no order between them, so a line printed just before the
/// response may still be on its way when the response arrives: <see cref="DrainAsync"/> waits for stdout to go quiet,
/// briefly and within a bound, and only calls that asked for their output pay for it.
/// </summary>
internal sealed class StdoutCapture(TimeProvider time)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(500);
    private const int MaxChars = 1024 * 1024;

    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();
    private long _lastLine = time.GetTimestamp();
    private bool _truncated;

    public void Add(string line)
    {
        lock (_gate)
        {
            _lastLine = time.GetTimestamp();
            if (_text.Length + line.Length + 1 > MaxChars)
            {
                _truncated = true;
                return;
            }

            _text.Append(line).Append('\n');
        }
    }

    public async Task DrainAsync()
    {
        var started = time.GetTimestamp();
        while (true)
        {
            long last;
            lock (_gate)
            {
                last = _lastLine;
            }

            if (time.GetElapsedTime(Math.Max(last, started)) >= Quiet || time.GetElapsedTime(started) >= MaxWait)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(5), time).ConfigureAwait(false);
        }
    }

    public string Text()
    {
        lock (_gate)
        {
            return _truncated ? _text + "[stdout truncated at 1 MiB]\n" : _text.ToString();
        }
    }
}
