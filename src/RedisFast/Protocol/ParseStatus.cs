namespace RedisFast.Protocol;

/// <summary>What <see cref="RespReader"/> found at the front of the buffer.</summary>
internal enum ParseStatus : byte
{
    /// <summary>A whole command was parsed; its arguments are in the <see cref="CommandArguments"/>.</summary>
    Complete,

    /// <summary>The buffer ends inside a command; the parse state is kept and resumes with more bytes.</summary>
    NeedMore,

    /// <summary>The bytes are not RESP; the error text is set and the connection must be closed after replying.</summary>
    ProtocolError,

    /// <summary>An empty command (an empty inline line or a multibulk count of zero or less): skip it.</summary>
    Empty,
}
