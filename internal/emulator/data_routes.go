package emulator

// Authorities of the aggregate data endpoints.
const (
	authAcceptData     = "F_ACCEPT_DATA_LOWER_LEVELS"
	authLockExceptions = "F_DATASET_PUBLIC_ADD"
)

// dataRoutes registers the aggregate data endpoints.
func (e *Emulator) dataRoutes() {
	e.handle("GET /api/dataValueSets", e.getDataValueSets)
	e.handle("POST /api/dataValueSets", e.postDataValueSets, authDataValueAdd)

	e.handle("GET /api/completeDataSetRegistrations", e.getRegistrations)
	e.handle("POST /api/completeDataSetRegistrations", e.postRegistrations, authDataValueAdd)
	e.handle("DELETE /api/completeDataSetRegistrations", e.deleteRegistrations, authDataValueAdd)

	e.handle("GET /api/dataApprovals", e.getApproval)
	e.handle("GET /api/dataApprovals/approvals", e.getApprovalList)
	e.handle("POST /api/dataApprovals", e.approvalAction("approve"), authApproveData)
	e.handle("DELETE /api/dataApprovals", e.approvalAction("unapprove"), authApproveData)
	e.handle("POST /api/dataApprovals/approvals", e.approvalBulk("approve"), authApproveData)
	e.handle("POST /api/dataApprovals/unapprovals", e.approvalBulk("unapprove"), authApproveData)
	e.handle("POST /api/dataAcceptances", e.approvalAction("accept"), authAcceptData)
	e.handle("DELETE /api/dataAcceptances", e.approvalAction("unaccept"), authAcceptData)
	e.handle("POST /api/dataAcceptances/acceptances", e.approvalBulk("accept"), authAcceptData)
	e.handle("POST /api/dataAcceptances/unacceptances", e.approvalBulk("unaccept"), authAcceptData)

	e.handle("GET /api/minMaxDataElements", e.getMinMax)
	e.handle("POST /api/minMaxDataElements", e.postMinMax, authMinMaxAdd)
	e.handle("DELETE /api/minMaxDataElements", e.deleteMinMax, authMinMaxAdd)

	e.handle("GET /api/lockExceptions", e.getLockExceptions)
	e.handle("POST /api/lockExceptions", e.postLockException, authLockExceptions)
	e.handle("DELETE /api/lockExceptions", e.deleteLockException, authLockExceptions)
}
