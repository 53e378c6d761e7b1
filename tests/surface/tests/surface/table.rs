//! What each operation is expected to end as (`report.rs` checks it).

/// The expected end of one operation.
pub enum Expect {
    /// Decodes; dropped fields are reported, not failed on.
    Decoded,
    /// Synapse answers with this errcode, for the stated reason.
    Matrix(&'static str, &'static str),
    /// An error status with a body that is no Matrix error (a web server's 404).
    Http(u16, &'static str),
    /// Not called; the reason names what is missing. No operation needs it
    /// today, but a peer the test cannot provide would.
    #[allow(dead_code)]
    Skip(&'static str),
}

use Expect::*;

pub const TABLE: &[(&str, Expect)] = &[
    // Decoded, re-encoded and compared with the body Synapse sent.
    ("getAccountData", Decoded),
    ("setAccountData", Decoded),
    ("getAccountDataPerRoom", Decoded),
    ("setAccountDataPerRoom", Decoded),
    ("deactivateAccount", Decoded),
    ("getWhoIs", Decoded),
    ("getAccount3PIDs", Decoded),
    ("delete3pidFromAccount", Decoded),
    ("pingAppservice", Decoded),
    ("updateAppserviceRoomDirectoryVisibility", Decoded),
    ("getConfigAuthed", Decoded),
    ("getContentAuthed", Decoded),
    ("getContentOverrideNameAuthed", Decoded),
    ("getContentThumbnailAuthed", Decoded),
    ("ban", Decoded),
    ("unban", Decoded),
    ("getCapabilities", Decoded),
    ("createContent", Decoded),
    ("getConfig", Decoded),
    ("uploadContent", Decoded),
    ("uploadContentToMXC", Decoded),
    ("createRoom", Decoded),
    ("uploadCrossSigningKeys", Decoded),
    ("uploadCrossSigningSignatures", Decoded),
    ("deleteDevices", Decoded),
    ("getDevices", Decoded),
    ("getDevice", Decoded),
    ("updateDevice", Decoded),
    ("deleteDevice", Decoded),
    ("getRoomIdByAlias", Decoded),
    ("setRoomAlias", Decoded),
    ("deleteRoomAlias", Decoded),
    ("getLocalAliases", Decoded),
    ("getEventContext", Decoded),
    ("defineFilter", Decoded),
    ("getFilter", Decoded),
    ("inviteUser", Decoded),
    ("joinRoom", Decoded),
    ("joinRoomById", Decoded),
    ("getRoomKeys", Decoded),
    ("putRoomKeys", Decoded),
    ("deleteRoomKeys", Decoded),
    ("getRoomKeysByRoomId", Decoded),
    ("putRoomKeysByRoomId", Decoded),
    ("deleteRoomKeysByRoomId", Decoded),
    ("getRoomKeyBySessionId", Decoded),
    ("putRoomKeyBySessionId", Decoded),
    ("deleteRoomKeyBySessionId", Decoded),
    ("getRoomKeysVersionCurrent", Decoded),
    ("postRoomKeysVersion", Decoded),
    ("getRoomKeysVersion", Decoded),
    ("putRoomKeysVersion", Decoded),
    ("deleteRoomKeysVersion", Decoded),
    ("getKeysChanges", Decoded),
    ("claimKeys", Decoded),
    ("queryKeys", Decoded),
    ("uploadKeys", Decoded),
    ("kick", Decoded),
    ("knockRoom", Decoded),
    ("forgetRoom", Decoded),
    ("leaveRoom", Decoded),
    ("getJoinedRooms", Decoded),
    ("getRoomVisibilityOnDirectory", Decoded),
    ("setRoomVisibilityOnDirectory", Decoded),
    ("queryPublicRooms", Decoded),
    ("getLoginFlows", Decoded),
    ("login", Decoded),
    ("generateLoginToken", Decoded),
    ("logout", Decoded),
    ("logout_all", Decoded),
    ("getRoomEvents", Decoded),
    ("getMutualRooms", Decoded),
    ("getNotifications", Decoded),
    ("getEvents", Decoded),
    ("getOneEvent", Decoded),
    ("initialSync", Decoded),
    ("requestOpenIdToken", Decoded),
    ("changePassword", Decoded),
    ("peekEvents", Decoded),
    ("getPresence", Decoded),
    ("setPresence", Decoded),
    ("getUserProfile", Decoded),
    ("getProfileField", Decoded),
    ("setProfileField", Decoded),
    ("deleteProfileField", Decoded),
    ("getPushers", Decoded),
    ("postPusher", Decoded),
    ("getPushRules", Decoded),
    ("getPushRulesGlobal", Decoded),
    ("getPushRule", Decoded),
    ("setPushRule", Decoded),
    ("deletePushRule", Decoded),
    ("getPushRuleActions", Decoded),
    ("setPushRuleActions", Decoded),
    ("isPushRuleEnabled", Decoded),
    ("setPushRuleEnabled", Decoded),
    ("setReadMarker", Decoded),
    ("postReceipt", Decoded),
    ("redactEvent", Decoded),
    ("refresh", Decoded),
    ("register", Decoded),
    ("checkUsernameAvailability", Decoded),
    ("registrationTokenValidity", Decoded),
    ("getRelatingEvents", Decoded),
    ("getRelatingEventsWithRelType", Decoded),
    ("getRelatingEventsWithRelTypeAndEventType", Decoded),
    ("reportRoom", Decoded),
    ("reportEvent", Decoded),
    ("reportUser", Decoded),
    ("getEventByTimestamp", Decoded),
    ("roomInitialSync", Decoded),
    ("sendMessage", Decoded),
    ("setRoomStateWithKey", Decoded),
    ("getRoomSummary", Decoded),
    ("upgradeRoom", Decoded),
    ("getOneRoomEvent", Decoded),
    ("getJoinedMembersByRoom", Decoded),
    ("getMembersByRoom", Decoded),
    ("getRoomState", Decoded),
    ("getRoomStateWithKey", Decoded),
    ("search", Decoded),
    ("getSpaceHierarchy", Decoded),
    ("sync", Decoded),
    ("getRoomTags", Decoded),
    ("setRoomTag", Decoded),
    ("deleteRoomTag", Decoded),
    ("queryLocationByAlias", Decoded),
    ("queryLocationByProtocol", Decoded),
    ("getProtocolMetadata", Decoded),
    ("getProtocols", Decoded),
    ("queryUserByID", Decoded),
    ("queryUserByProtocol", Decoded),
    ("getThreadRoots", Decoded),
    ("sendToDevice", Decoded),
    ("setTyping", Decoded),
    ("searchUserDirectory", Decoded),
    ("getVersions", Decoded),
    ("getTurnServer", Decoded),
    ("getWellknown", Decoded),
    ("getTokenOwner", Decoded),
    // Synapse 1.163 has no such endpoint.
    (
        "getAdminLockUser",
        Matrix(
            "M_UNRECOGNIZED",
            "Synapse lacks the client-server admin lock endpoint",
        ),
    ),
    (
        "setAdminLockUser",
        Matrix(
            "M_UNRECOGNIZED",
            "Synapse lacks the client-server admin lock endpoint",
        ),
    ),
    (
        "getAdminSuspendUser",
        Matrix(
            "M_UNRECOGNIZED",
            "Synapse lacks the client-server admin suspend endpoint",
        ),
    ),
    (
        "setAdminSuspendUser",
        Matrix(
            "M_UNRECOGNIZED",
            "Synapse lacks the client-server admin suspend endpoint",
        ),
    ),
    (
        "getAuthMetadata",
        Matrix(
            "M_UNRECOGNIZED",
            "served only when authentication is delegated (MSC3861), not configured",
        ),
    ),
    (
        "redirectToSSO",
        Matrix("M_UNRECOGNIZED", "no SSO provider is configured"),
    ),
    (
        "redirectToIdP",
        Matrix("M_UNRECOGNIZED", "no SSO provider is configured"),
    ),
    (
        "getUrlPreview",
        Matrix(
            "M_UNRECOGNIZED",
            "URL previews are off: they need lxml, which the test venv lacks",
        ),
    ),
    (
        "getUrlPreviewAuthed",
        Matrix(
            "M_UNRECOGNIZED",
            "URL previews are off: they need lxml, which the test venv lacks",
        ),
    ),
    (
        "requestTokenToResetPasswordMSISDN",
        Matrix(
            "M_UNRECOGNIZED",
            "no SMS sender: Synapse does not route the endpoint",
        ),
    ),
    // Third-party identifiers: no identity server, email or SMS sender.
    (
        "post3PIDs",
        Matrix(
            "M_THREEPID_AUTH_FAILED",
            "no validated 3PID session: no identity server",
        ),
    ),
    (
        "add3PID",
        Matrix(
            "M_THREEPID_AUTH_FAILED",
            "no validated 3PID session: no email or SMS sender",
        ),
    ),
    (
        "bind3PID",
        Matrix(
            "M_UNKNOWN",
            "no identity server answers at the given address; Synapse says 500",
        ),
    ),
    (
        "unbind3pidFromAccount",
        Matrix(
            "M_UNKNOWN",
            "Synapse refuses to call an identity server on loopback",
        ),
    ),
    (
        "inviteBy3PID",
        Matrix(
            "M_UNKNOWN",
            "Synapse refuses to call an identity server on loopback",
        ),
    ),
    (
        "requestTokenTo3PIDEmail",
        Matrix(
            "M_THREEPID_MEDIUM_NOT_SUPPORTED",
            "no email sender configured",
        ),
    ),
    (
        "requestTokenTo3PIDMSISDN",
        Matrix(
            "M_THREEPID_MEDIUM_NOT_SUPPORTED",
            "no SMS sender configured",
        ),
    ),
    (
        "requestTokenToRegisterEmail",
        Matrix("M_UNKNOWN", "no email sender configured"),
    ),
    (
        "requestTokenToRegisterMSISDN",
        Matrix("M_UNKNOWN", "no SMS sender configured"),
    ),
    (
        "requestTokenToResetPasswordEmail",
        Matrix("M_UNKNOWN", "no email sender configured"),
    ),
    // Authenticated media (on by default) freezes the unauthenticated downloads.
    (
        "getContent",
        Matrix(
            "M_NOT_FOUND",
            "media uploaded after the freeze is served by the authenticated endpoint only",
        ),
    ),
    (
        "getContentOverrideName",
        Matrix(
            "M_NOT_FOUND",
            "media uploaded after the freeze is served by the authenticated endpoint only",
        ),
    ),
    (
        "getContentThumbnail",
        Matrix(
            "M_NOT_FOUND",
            "media uploaded after the freeze is served by the authenticated endpoint only",
        ),
    ),
    // The spec gives it no `security`, but Synapse wants a token
    // (allow_public_rooms_without_auth is off): the client sends the one it has.
    ("getPublicRooms", Decoded),
    // The well-known documents Synapse does not serve: a plain 404 page.
    (
        "getWellknownSupport",
        Http(404, "Synapse does not serve /.well-known/matrix/support"),
    ),
    (
        "getWellknownPolicy",
        Http(
            404,
            "Synapse does not serve /.well-known/matrix/policy_server",
        ),
    ),
];
