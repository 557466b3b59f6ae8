using Hearth.Supervisor.Objects;

namespace Hearth.Storage.Tests;

public sealed class FileObjectStoreTests : ObjectStoreContract
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hearth-objects-");

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new FileObjectStore(_directory.FullName));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task AnInterruptedPutLeavesNoTemporaryFileBehind()
    {
        await Assert.ThrowsAnyAsync<Exception>(() => Store.PutAsync("x/y", new ThrowingStream(), Cancel));

        Assert.Empty(Directory.EnumerateFiles(_directory.FullName, "*", SearchOption.AllDirectories));
    }

    private sealed class ThrowingStream : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => throw new IOException("gone");
    }
}
