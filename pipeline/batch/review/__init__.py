"""Review: the run report, the names' and rows' review workbooks and the decisions read back
from them, and the end of a run that writes them."""
