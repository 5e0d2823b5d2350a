import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// `GET /healthz`: the library's `HealthReport` as JSON, 200 when healthy and 503 when the
/// database cannot be read or the outbox is stuck. Counts and times only: no personal data.
struct HealthEndpoint: Sendable {
    let site: Site

    func respond() async throws -> Response {
        let store = site.store
        let stuckAfter = site.outboxStuckAfter
        let report = try await site.offload { HealthReport.measure(store: store, stuckAfter: stuckAfter) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(report)
        return Response(status: report.healthy ? .ok : .serviceUnavailable,
                        headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
