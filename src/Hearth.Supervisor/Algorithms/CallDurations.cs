using System.Collections.Concurrent;

namespace Hearth.Supervisor.Algorithms;

/// <summary>
/// How long each build's recent calls took on their instances, from the hand-over to the worker's answer: the median
/// of the last <see cref="Window"/>. A call whose budget left is shorter than that is not handed to an instance, where
/// it would most likely time out. Written by the threads that see the answers and read by those that hand calls over,
/// without a lock: a reader may see a window one answer behind, which a median does not mind.
/// </summary>
internal sealed class CallDurations
{
    public const int Window = 32;

    private readonly ConcurrentDictionary<string, Recent> _builds = new(StringComparer.Ordinal);

    public void Record(string hash, TimeSpan duration) =>
        _builds.GetOrAdd(hash, static _ => new Recent()).Add(Math.Max(1, duration.Ticks));

    /// <summary>The median of the build's recent calls; zero before its first answer, when nothing is known.</summary>
    public TimeSpan Median(string hash) =>
        _builds.TryGetValue(hash, out var recent) ? TimeSpan.FromTicks(Volatile.Read(ref recent.MedianTicks)) : TimeSpan.Zero;

    private sealed class Recent
    {
        private readonly long[] _ticks = new long[Window];
        private long _count;
        public long MedianTicks;

        public void Add(long ticks)
        {
            var slot = Interlocked.Increment(ref _count) - 1;
            Volatile.Write(ref _ticks[slot % Window], ticks);
            Span<long> copy = stackalloc long[Window];
            var n = 0;
            foreach (var t in _ticks)
            {
                // A slot another answer has claimed but not yet written reads as zero; it is left out.
                if (t > 0)
                {
                    copy[n++] = t;
                }
            }

            copy = copy[..n];
            copy.Sort();
            Volatile.Write(ref MedianTicks, copy[n / 2]);
        }
    }
}
