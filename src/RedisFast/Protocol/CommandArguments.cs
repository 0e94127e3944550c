using System.Runtime.CompilerServices;

namespace RedisFast.Protocol;

/// <summary>
/// The arguments of the command being parsed or executed, as slices of the connection's receive slab, plus the
/// parse state that lets <see cref="RespReader"/> resume a command split across reads without rescanning it.
/// Owned by one connection and touched only by the event loop.
/// </summary>
internal sealed class CommandArguments
{
    private ArgSlice[] _slices = new ArgSlice[16];

    /// <summary>The receive slab the slices point into.</summary>
    public byte[] Buffer = [];

    /// <summary>Number of arguments parsed so far (all of them once the command is complete).</summary>
    public int Count;

    /// <summary>Where the current command starts in <see cref="Buffer"/>.</summary>
    public int CommandStart;

    /// <summary>Where parsing resumes in <see cref="Buffer"/>.</summary>
    public int Position;

    /// <summary>Arguments still to read in the current multibulk; 0 when no multibulk is in progress.</summary>
    public long MultibulkRemaining;

    /// <summary>Bytes from <see cref="CommandStart"/> needed before parsing can progress (a known bulk length).</summary>
    public long RequiredLength;

    public ReadOnlySpan<byte> this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            ref readonly ArgSlice s = ref _slices[index];
            return new ReadOnlySpan<byte>(Buffer, s.Offset, s.Length);
        }
    }

    /// <summary>The argument as a writable span of the receive slab (for in-place case folding).</summary>
    public Span<byte> Writable(int index)
    {
        ref readonly ArgSlice s = ref _slices[index];
        return new Span<byte>(Buffer, s.Offset, s.Length);
    }

    public int LengthOf(int index) => _slices[index].Length;

    /// <summary>Copies argument <paramref name="index"/> into a new array (for keys and values being stored).</summary>
    public byte[] ToArray(int index) => this[index].ToArray();

    /// <summary>Adds a parsed argument. Grows the slice array when a command has more arguments than any before it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int offset, int length)
    {
        if (Count == _slices.Length) Grow();
        _slices[Count++] = new ArgSlice(offset, length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Array.Resize(ref _slices, _slices.Length * 2);

    /// <summary>Starts the next command at <see cref="Position"/>.</summary>
    public void BeginNext()
    {
        Count = 0;
        CommandStart = Position;
        MultibulkRemaining = 0;
        RequiredLength = 0;
    }

    /// <summary>Rebases every offset after the buffer's live bytes moved down by <paramref name="delta"/>.</summary>
    public void Shift(int delta)
    {
        for (int i = 0; i < Count; i++) _slices[i] = new ArgSlice(_slices[i].Offset - delta, _slices[i].Length);
        CommandStart -= delta;
        Position -= delta;
    }

    /// <summary>Forgets every parsed byte (the buffer was emptied or replaced).</summary>
    public void Reset()
    {
        Count = 0;
        CommandStart = 0;
        Position = 0;
        MultibulkRemaining = 0;
        RequiredLength = 0;
    }

    private readonly record struct ArgSlice(int Offset, int Length);
}
