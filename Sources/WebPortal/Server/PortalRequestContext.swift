public import Hummingbird
import NIOCore

/// The context every portal request carries: Hummingbird's own, plus the client's address,
/// which sessions and sign-ins record.
public struct PortalRequestContext: RequestContext {
    /// Hummingbird's per-request storage (logger, path parameters).
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, without the port (nil when the channel has none, as in tests).
    public let clientAddress: String?

    /// Built by the server for each request from its channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Forms are small; anything larger is refused with 413 before it is read.
    public var maxUploadSize: Int { PortalLimits.maxBodyBytes }
}

/// Sizes the portal accepts.
enum PortalLimits {
    /// The largest request body read (a sign-in form is well under 1 KiB).
    static let maxBodyBytes = 16 * 1024
}
