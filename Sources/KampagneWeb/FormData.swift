import Foundation
import Hummingbird

/// Form bodies (`application/x-www-form-urlencoded`), read with a size cap and decoded by
/// Hummingbird's `URLEncodedFormDecoder` into the small structs below. A body over the cap is
/// refused before it is read (413); one that does not arrive whole within
/// `WebContext.bodyDeadline` (trickled a byte at a time) is a 408; one that does not decode is a 400.
enum WebForm {
    static func body(_ request: Request, _ context: WebContext) async throws -> String {
        let limit = context.maxUploadSize
        let deadline = context.bodyDeadline
        let buffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await request.body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else {
                throw HTTPError(.requestTimeout, message: "Formularen kom ikke frem i tide.")
            }
            return buffer
        }
        return String(buffer: buffer)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        do {
            return try URLEncodedFormDecoder().decode(T.self, from: text)
        } catch {
            throw HTTPError(.badRequest, message: "Formularen kunne ikke læses.")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, _ context: WebContext) async throws -> T {
        try decode(type, from: try await body(request, context))
    }
}

/// A form that carries only its CSRF token (buttons: confirm, unsubscribe, log out).
struct TokenForm: Decodable, Sendable {
    var csrf: String?
}

/// The newsletter's subscribe form.
struct SubscribeForm: Decodable, Sendable {
    var csrf: String?
    var name: String?
    var email: String?
    var organisation: String?
}

/// The reviewer's answer to a good story.
struct ReviewForm: Decodable, Sendable {
    var csrf: String?
    var action: String?
    var comment: String?
}

/// The RFC 8058 one-click unsubscribe, or the page's own button.
struct UnsubscribeForm: Decodable, Sendable {
    var csrf: String?
    var oneClick: String?

    enum CodingKeys: String, CodingKey {
        case csrf
        case oneClick = "List-Unsubscribe"
    }
}
