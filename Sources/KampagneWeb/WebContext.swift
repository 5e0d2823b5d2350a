import Hummingbird
import NIOCore

/// The request context of every page: Hummingbird's core storage plus the client's address,
/// which the sign-up rate limit is keyed on.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Sign-up forms are small; anything larger is refused before it is read.
    public var maxUploadSize: Int { 64 * 1024 }

    /// A form's whole body must arrive within this, however it is trickled.
    public var bodyDeadline: Duration { .seconds(10) }
}
