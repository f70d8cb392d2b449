"""A send job as the API shows it: in a send's 202 and in a cancel's answer."""

from sendme.domain.base import CamelModel
from sendme.domain.send_jobs import SendJobStatus


class SendJobView(CamelModel):
    id: str
    status: SendJobStatus
