import Foundation
import HTTPTypes
import Hummingbird
import Kampagne

/// The reviewer page behind a review request's personal link: the case as it will read,
/// read-only, with a comment box and an approve button. Every answer is logged with who and when.
struct StoryReviewPages: Sendable {
    let site: Site
    let pages: PublicPages

    func page(_ request: Request, _ context: WebContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let reviewId = reviewId(token) else { return pages.notFound() }
        return try await show(reviewId, token: token, status: .ok)
    }

    func answer(_ request: Request, _ context: WebContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard let reviewId = reviewId(token) else { return pages.notFound() }
        guard site.postLimit.allow(pages.client(request, context)) else { return pages.tooMany() }
        let data = try await WebForm.decode(ReviewForm.self, request, context)
        let path = PublicPath.storyReview.path(token)
        guard site.forms.verify(data.csrf ?? "", for: path) else {
            return try await show(reviewId, token: token, status: .forbidden, formError: "Siden var udløbet. Skriv dit svar igen, og send det.")
        }
        let approve = data.action == "approve"
        let comment = data.comment ?? ""
        do {
            let advisor = site.sender.replyTo.flatMap { $0.isEmpty ? nil : $0 } ?? site.sender.address
            let reviews = StoryReviews(store: site.store, senderDomain: site.settings.senderDomain, advisor: advisor)
            _ = try await site.offload { () throws(KampagneError) in try reviews.answer(reviewId, approve: approve, comment: comment) }
        } catch {
            return try await show(reviewId, token: token, status: .unprocessableContent, formError: error.message)
        }
        return try await show(reviewId, token: token, status: .ok, answered: approve ? .approved : .commented)
    }

    private func reviewId(_ token: String) -> Int64? {
        LinkToken.decode(token, scope: .review, with: site.links.secret)?.subject
    }

    /// The page, with a thank-you line after an answer (`answered`) or the form's error.
    private func show(_ reviewId: Int64, token: String, status: HTTPResponse.Status, answered: ReviewDecision? = nil,
                      formError: String? = nil) async throws -> Response {
        let review: ReviewPage
        let reviews = StoryReviews(store: site.store, senderDomain: site.settings.senderDomain)
        do {
            review = try await site.offload { () throws(KampagneError) in try reviews.page(reviewId) }
        } catch {
            return pages.notFound()
        }
        if review.story.status == .withdrawn {
            return pages.message(.gone, "Historien er trukket tilbage", "Historien bliver ikke brugt, så der er intet at godkende. Tak for din hjælp.")
        }
        var context = StoryPublisher.presentation(review.draft, now: Date(), sender: site.sender)
        context["version"] = String(review.review.version)
        context["reviewer"] = review.review.email
        context["action"] = PublicPath.storyReview.path(token)
        context["csrf"] = site.forms.make(for: PublicPath.storyReview.path(token))
        context["canApprove"] = review.review.decision != .approved
        if !review.isCurrent { context["stale"] = true }
        if review.review.decision == .approved, let at = review.review.decidedAt { context["approvedAt"] = DanishDate.long(at) }
        switch answered {
        case .approved where review.isCurrent: context["done"] = "Tak. Du har godkendt historien."
        case .approved: context["done"] = "Tak. Din godkendelse er noteret, men historien er ændret siden. Skal den nye tekst godkendes, sender vi dig et nyt link."
        case .commented: context["done"] = "Tak. Din kommentar er sendt til os."
        case nil: break
        }
        if let formError { context["formError"] = formError }
        if !review.history.isEmpty {
            context["hasHistory"] = true
            context["history"] = review.history.map { entry in
                ["when": DanishDate.long(entry.at), "what": entry.action == .reviewApproved ? "Godkendt" : "Kommentar",
                 "text": entry.action == .reviewApproved ? "" : entry.text]
            }
        }
        var response = pages.html(status, "Til gennemsyn: \(review.draft.headline)", "web-historie", context)
        // A personal page: never cached by a proxy, never indexed.
        response.headers[.cacheControl] = "private, no-store"
        if let robots = HTTPField.Name("X-Robots-Tag") { response.headers[robots] = "noindex, nofollow" }
        return response
    }
}
