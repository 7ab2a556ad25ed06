import DeskDatabase
import Hummingbird
import PortalCore

/// The Team page, for a customer's administrators: who has 2FA, and mandatory 2FA on or off.
/// The database decides who is an administrator (DK103), so a forged post from a member is
/// refused there and shown as a 403 page.
extension PortalSite {
    func addTeamRoutes(to router: Router<PortalRequestContext>) {
        router.get("/team") { request, _ -> Response in
            switch try await self.page(request, stages: [.signedIn]) {
            case .failure(let redirect): return redirect.response
            case .success(let visit): return try await self.teamPage(visit)
            }
        }
        router.post("/team/mandatory") { request, _ -> Response in
            let (visit, form) = try await self.post(request, stages: [.signedIn])
            let on: Bool
            switch form["mandatory"] {
            case "on": on = true
            case "off": on = false
            default: throw PortalPageError.badRequest("The form must say whether to turn mandatory 2FA on or off.")
            }
            let account = visit.session.accountNumber, email = visit.session.email
            _ = try await self.portal { try $0.setMandatory(account: account, administratorEmail: email, on: on) }
            return PageRenderer.redirect("/team")
        }
    }

    private func teamPage(_ visit: Visit) async throws -> Response {
        let account = visit.session.accountNumber, email = visit.session.email
        let team = try await portal { try $0.team(account: account, administratorEmail: email) }
        var values = frame(visit, title: "Team")
        values["account"] = account
        values["customer"] = visit.session.customerName
        values["mandatory"] = visit.session.mandatory
        values["members"] = team.map { member -> [String: Any] in
            ["name": member.name, "email": member.email, "role": member.role.rawValue,
             "active": member.twoFactor == .active, "pending": member.twoFactor == .pending,
             "since": member.twoFactorSince.map(Self.day) ?? "",
             "lastLogin": member.lastLoginAt.map(Self.day) ?? "never"]
        }
        values["withoutTwoFactor"] = team.filter { $0.twoFactor != .active }.count
        return pages.page("team", values)
    }
}
