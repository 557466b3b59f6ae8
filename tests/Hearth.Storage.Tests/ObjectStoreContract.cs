using System.Security.Cryptography;
using System.Text;
using Hearth.Supervisor.Objects;

namespace Hearth.Storage.Tests;

/// <summary>What every object store must do; subclassed once per backend, the S3 one against a real S3-compatible server.</summary>
public abstract class ObjectStoreContract : IAsyncLifetime
{
    private IObjectStore? _store;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected IObjectStore Store => _store ?? throw new InvalidOperationException("the store is created in InitializeAsync");

    protected abstract Task<IObjectStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync();

    public virtual ValueTask DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private static async Task<string> ReadAsync(ObjectRead read)
    {
        await using (read)
        {
            using var reader = new StreamReader(read.Content);
            return await reader.ReadToEndAsync(Cancel);
        }
    }

    [Fact]
    public async Task AnObjectPutIsReadBackWholeAndItsHeadGivesItsSize()
    {
        var put = await Store.PutAsync("builds/one.tar.gz", Bytes("hello, objects"), Cancel);

        var read = await Store.GetAsync("builds/one.tar.gz", 0, null, Cancel);
        var head = await Store.HeadAsync("builds/one.tar.gz", Cancel);

        Assert.Equal(("builds/one.tar.gz", 14L), (put.Key, put.Size));
        Assert.Equal((0L, 14L, 14L), (read!.Offset, read.Length, read.Info.Size));
        Assert.Equal("hello, objects", await ReadAsync(read));
        Assert.Equal(14, head!.Size);
        Assert.InRange(head.LastModified, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public async Task APutReplacesTheObjectUnderItsKey()
    {
        await Store.PutAsync("data/x", Bytes("first version, longer"), Cancel);
        await Store.PutAsync("data/x", Bytes("second"), Cancel);

        Assert.Equal("second", await ReadAsync((await Store.GetAsync("data/x", 0, null, Cancel))!));
        Assert.Equal(6, (await Store.HeadAsync("data/x", Cancel))!.Size);
    }

    [Fact]
    public async Task ARangeReadGivesExactlyTheBytesAskedForAndStopsAtTheEnd()
    {
        await Store.PutAsync("r", Bytes("0123456789"), Cancel);

        var middle = (await Store.GetAsync("r", 3, 4, Cancel))!;
        Assert.Equal((3L, 4L, 10L), (middle.Offset, middle.Length, middle.Info.Size));
        Assert.Equal("3456", await ReadAsync(middle));
        Assert.Equal("789", await ReadAsync((await Store.GetAsync("r", 7, null, Cancel))!));
        Assert.Equal("89", await ReadAsync((await Store.GetAsync("r", 8, 100, Cancel))!));
        var past = (await Store.GetAsync("r", 10, null, Cancel))!;
        Assert.Equal((0L, 10L), (past.Length, past.Info.Size));
        Assert.Equal("", await ReadAsync(past));
    }

    [Fact]
    public async Task AKeyNeverPutIsAbsentToEveryCall()
    {
        Assert.Null(await Store.GetAsync("nothing/here", 0, null, Cancel));
        Assert.Null(await Store.HeadAsync("nothing/here", Cancel));
        Assert.False(await Store.DeleteAsync("nothing/here", Cancel));
        Assert.Empty((await Store.ListAsync("nothing/", null, 10, Cancel)).Objects);
    }

    [Fact]
    public async Task ADeletedObjectIsGoneAndADeleteSaysWhetherThereWasOne()
    {
        await Store.PutAsync("d/gone", Bytes("x"), Cancel);

        Assert.True(await Store.DeleteAsync("d/gone", Cancel));
        Assert.False(await Store.DeleteAsync("d/gone", Cancel));
        Assert.Null(await Store.HeadAsync("d/gone", Cancel));
    }

    [Fact]
    public async Task AListingHoldsOnlyItsPrefixSortedByKeyAndPagesWithItsMarker()
    {
        foreach (var key in (string[])["a/3", "a/1", "a/sub/2", "a/2", "ab", "b/1"])
        {
            await Store.PutAsync(key, Bytes(key), Cancel);
        }

        var first = await Store.ListAsync("a/", null, 2, Cancel);
        var second = await Store.ListAsync("a/", first.NextMarker, 2, Cancel);
        var all = await Store.ListAsync("a", null, 100, Cancel);

        Assert.Equal(["a/1", "a/2"], first.Objects.Select(o => o.Key));
        Assert.Equal("a/2", first.NextMarker);
        Assert.Equal(["a/3", "a/sub/2"], second.Objects.Select(o => o.Key));
        Assert.Equal([3L, 7L], second.Objects.Select(o => o.Size));
        Assert.Equal(["a/1", "a/2", "a/3", "a/sub/2", "ab"], all.Objects.Select(o => o.Key));
        Assert.Null(all.NextMarker);
    }

    [Fact]
    public async Task AnInterruptedPutLeavesNothingVisibleAndKeepsThePreviousObject()
    {
        await Store.PutAsync("kept", Bytes("before"), Cancel);

        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("kept", new FailingStream(12 * 1024 * 1024), Cancel));
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("never", new FailingStream(1000), Cancel));

        Assert.Equal("before", await ReadAsync((await Store.GetAsync("kept", 0, null, Cancel))!));
        Assert.Null(await Store.HeadAsync("never", Cancel));
        Assert.Equal(["kept"], (await Store.ListAsync("", null, 100, Cancel)).Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task AnObjectOfSeveralUploadPartsRoundTripsByteForByte()
    {
        var bytes = RandomNumberGenerator.GetBytes(S3ObjectStore.PartSize * 2 + 12345);

        var put = await Store.PutAsync("big/blob", new MemoryStream(bytes), Cancel);
        var read = (await Store.GetAsync("big/blob", 0, null, Cancel))!;
        using var copy = new MemoryStream();
        await using (read)
        {
            await read.Content.CopyToAsync(copy, Cancel);
        }

        var tail = (await Store.GetAsync("big/blob", S3ObjectStore.PartSize - 10, 20, Cancel))!;
        using var tailCopy = new MemoryStream();
        await using (tail)
        {
            await tail.Content.CopyToAsync(tailCopy, Cancel);
        }

        Assert.Equal(bytes.Length, put.Size);
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(copy.ToArray()));
        Assert.Equal(bytes.AsSpan(S3ObjectStore.PartSize - 10, 20).ToArray(), tailCopy.ToArray());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a//b")]
    [InlineData("../escape")]
    [InlineData("a/./b")]
    [InlineData(".hidden")]
    [InlineData("sp ace")]
    [InlineData("a@b")]
    public async Task AKeyOutsideTheKeyRulesIsRefused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, Bytes("x"), Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.HeadAsync(key, Cancel));
    }

    /// <summary>Gives <paramref name="length"/> bytes, then fails as a dropped connection does.</summary>
    private sealed class FailingStream(long length) : Stream
    {
        private long _given;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _given; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_given >= length)
            {
                throw new IOException("the client went away");
            }

            var n = (int)Math.Min(count, length - _given);
            Array.Fill(buffer, (byte)'x', offset, n);
            _given += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
