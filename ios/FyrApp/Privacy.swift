import SwiftUI
import UIKit

/// The privacy cover: a window of its own above every other window, so it
/// hides sheets, confirmation dialogs and alerts too (an overlay in the root
/// view would not). Shown when the scene is not active (the app switcher's
/// snapshot is taken after this) and during screen recording or mirroring.
@MainActor
final class PrivacyCover {
    static let shared = PrivacyCover()
    private var window: UIWindow?

    func set(covered: Bool, title: String) {
        if covered {
            guard window == nil,
                  let scene = UIApplication.shared.connectedScenes.compactMap({ $0 as? UIWindowScene }).first else { return }
            let w = UIWindow(windowScene: scene)
            w.windowLevel = .alert + 1
            w.rootViewController = UIHostingController(rootView:
                Color(.systemBackground).ignoresSafeArea()
                    .overlay(Text(verbatim: title).font(.largeTitle))
                    .accessibilityElement(children: .combine))
            w.isHidden = false
            window = w
        } else {
            window?.isHidden = true
            window = nil
        }
    }
}

/// Keeps its content out of screenshots and screen recordings where the
/// platform allows: the content is drawn in the layer iOS leaves out of
/// captures for secure text entry (the canvas of a UITextField with
/// isSecureTextEntry). If a future iOS lays that field out differently, the
/// content is shown unprotected rather than not at all (the privacy cover
/// still hides it in the app switcher and while recording).
struct ScreenshotShield<Content: View>: UIViewRepresentable {
    let active: Bool
    @ViewBuilder let content: () -> Content

    final class Coordinator {
        let field = UITextField()
        var host: UIHostingController<Content>?
    }

    func makeCoordinator() -> Coordinator { Coordinator() }

    func makeUIView(context: Context) -> UIView {
        let host = UIHostingController(rootView: content())
        host.view.backgroundColor = .clear
        host.view.translatesAutoresizingMaskIntoConstraints = false
        context.coordinator.host = host
        let field = context.coordinator.field
        field.isSecureTextEntry = active
        field.layoutIfNeeded()
        // The secure field's first subview is the canvas that captures omit.
        let container: UIView = field.subviews.first ?? UIView()
        container.isUserInteractionEnabled = true
        container.addSubview(host.view)
        NSLayoutConstraint.activate([
            host.view.topAnchor.constraint(equalTo: container.topAnchor),
            host.view.bottomAnchor.constraint(equalTo: container.bottomAnchor),
            host.view.leadingAnchor.constraint(equalTo: container.leadingAnchor),
            host.view.trailingAnchor.constraint(equalTo: container.trailingAnchor),
        ])
        return container
    }

    func updateUIView(_ view: UIView, context: Context) {
        context.coordinator.host?.rootView = content()
        context.coordinator.field.isSecureTextEntry = active
    }
}

/// Copies a number for pasting elsewhere: on this device only (never to the
/// user's other Apple devices through Universal Clipboard) and gone after a minute.
func copyLocally(_ text: String) {
    UIPasteboard.general.setItems([[UIPasteboard.typeAutomatic: text]],
                                  options: [.localOnly: true, .expirationDate: Date().addingTimeInterval(60)])
}
